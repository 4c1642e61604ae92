"""Rules about probes, restart policies and controllers: will the workload run and stay up."""
