"""fogbank pytest plugin."""
