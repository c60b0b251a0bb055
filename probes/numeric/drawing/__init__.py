"""Drawing new values: value ranges, a float screen (one draw or many at once over numpy arrays), the
exact check, and the sampler that ties them together."""
