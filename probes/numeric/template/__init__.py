"""The template: question quantities as variables, every solution literal explained by its sources, and
the chain re-executed exactly."""
