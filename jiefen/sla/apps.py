from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.sla"
    label = "sla"
