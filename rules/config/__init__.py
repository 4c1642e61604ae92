"""Rules about configuration: environment, ConfigMaps and Secrets, namespaces."""
