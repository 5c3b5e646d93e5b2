"""The repositories behind the domain's ports.

The statements an update runs every time (who the resident is, their accounts, meters,
readings and latest bill) are built once, with bound parameters, when the module loads:
SQLAlchemy then computes their cache key once, where building one per call cost about as
much as the round trip to the database."""
