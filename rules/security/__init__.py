"""Rules about pod and container security: privileges, host access, identities."""
