"""The shelters app's figure for the command-centre screen (大屏), declared in apps.py
(``screen_figures``): people in a shelter now (集中安置, 在住), in the viewer's scope."""

from yingji.shelters.choices import ActivationState, StayState
from yingji.shelters.models import Activation, Evacuee


def sheltered_now(user):
    people = Evacuee.objects.for_user(user).filter(household__state=StayState.IN).count()
    sites = Activation.objects.for_user(user).exclude(state=ActivationState.CLOSED).count()
    return people, f"安置点 {sites} 个在用"
