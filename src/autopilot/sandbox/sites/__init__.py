"""The replicated sites, one module per replica (or per part of one), built on `sandbox.kit`."""
