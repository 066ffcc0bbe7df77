from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.cases"
    label = "cases"
