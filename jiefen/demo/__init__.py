"""Demo data: a fictional district (青州市清河区) with staff, and a year of cases."""
