"""The risk-person register (重点人员) with its visits, and outside records (court, police, administrative review) matched to parties."""
