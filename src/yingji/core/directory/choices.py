"""The directory's choices, defined once with Chinese labels."""

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇街道"
    VILLAGE = "village", "村社区"


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", "政府部门"
    INSTITUTION = "institution", "事业单位"
    ENTERPRISE = "enterprise", "企业"
    SOCIAL = "social", "社会组织"
    OTHER = "other", "其他"


class EnterpriseScale(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class ContactRole(models.TextChoices):
    BUREAU_LEADER = "bureau_leader", "局领导"
    BUREAU_STAFF = "bureau_staff", "局机关人员"
    DEPARTMENT_CONTACT = "department_contact", "部门联络员"
    TOWNSHIP_LEADER = "township_leader", "乡镇领导"
    VILLAGE_CADRE = "village_cadre", "村干部"
    DISASTER_OFFICER = "disaster_officer", "灾害信息员"
    GRID_WORKER = "grid_worker", "网格员"
    LEGAL_REPRESENTATIVE = "legal_representative", "企业负责人"
    SAFETY_MANAGER = "safety_manager", "企业安全员"
    OTHER = "other", "其他"
