"""Early warning: extreme-behaviour signals in the text and the civil-to-criminal (民转刑) risk score."""
