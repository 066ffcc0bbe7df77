"""The production settings, plus one bare endpoint for the intake benchmark's baseline."""

from jiefen.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.intake_urls"
