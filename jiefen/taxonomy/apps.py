from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.taxonomy"
    label = "taxonomy"
