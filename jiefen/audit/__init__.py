"""The tamper-evident audit chain over events, personal-data views, permission changes and logins."""
