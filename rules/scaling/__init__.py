"""Rules about scaling and availability: HPAs, replicas, disruption budgets."""
