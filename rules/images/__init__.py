"""Rules about container images and how they are pulled."""
