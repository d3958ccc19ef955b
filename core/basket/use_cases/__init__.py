"""The basket's use cases (registered in the container automatically)."""
