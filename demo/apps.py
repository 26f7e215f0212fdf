from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Generated data (the demo and the provincial-size benchmark set); above every other app, imported by none."""

    name = "demo"
