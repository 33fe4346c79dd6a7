"""Checklist content: strict models, the condition language, loading and citation checks."""

from .conditions import Condition, ConditionError, parse_condition
from .loader import STATUS_VALUES, Questionnaire, load_questionnaire
from .models import RISK_ORDER, RISK_WEIGHTS, Citation, Item, ItemType, Module, Option, ProfileQuestion

__all__ = [
    "RISK_ORDER",
    "RISK_WEIGHTS",
    "STATUS_VALUES",
    "Citation",
    "Condition",
    "ConditionError",
    "Item",
    "ItemType",
    "Module",
    "Option",
    "ProfileQuestion",
    "Questionnaire",
    "load_questionnaire",
    "parse_condition",
]
