"""The nightly flow and its stages: discover, read, parse, validate, load, publish."""
