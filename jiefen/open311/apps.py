from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"
