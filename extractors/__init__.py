"""Sources: one module per kind of input, each turning a document into ``Observations``."""
