from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.intake"
    label = "intake"
