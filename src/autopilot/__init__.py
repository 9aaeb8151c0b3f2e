"""autopilot: the médiateur numérique's assistant for the State's online procedures."""

__version__ = "0.1.0"
