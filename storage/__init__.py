"""SQLAlchemy 2 async storage: tables, repositories, unit of work, migrations, and the
billing import and export."""
