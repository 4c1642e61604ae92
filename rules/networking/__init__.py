"""Rules about Services, their selectors, ports and endpoints."""
