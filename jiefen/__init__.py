"""Jiefen (解纷): one-stop, multi-party dispute resolution."""
