from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "mace.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated front door"
