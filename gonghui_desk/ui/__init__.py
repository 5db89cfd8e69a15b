"""The Qt front end: widgets, models and wizards that call the core. No rules live here."""
