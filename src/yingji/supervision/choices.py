from django.db import models


class EnterpriseClass(models.TextChoices):
    """检查对象的行业类别 (the classes national inspection plans are written for)."""

    HAZARDOUS_CHEMICALS = "hazardous_chemicals", "危险化学品"
    FIREWORKS = "fireworks", "烟花爆竹"
    NON_COAL_MINE = "non_coal_mine", "非煤矿山"
    METALLURGY = "metallurgy", "冶金"
    NONFERROUS = "nonferrous", "有色"
    BUILDING_MATERIALS = "building_materials", "建材"
    MACHINERY = "machinery", "机械"
    LIGHT_INDUSTRY = "light_industry", "轻工"
    TEXTILE = "textile", "纺织"
    TOBACCO = "tobacco", "烟草"
    COMMERCE = "commerce", "商贸"
    OTHER = "other", "其他"


class Standardization(models.TextChoices):
    """安全生产标准化等级."""

    LEVEL1 = "level1", "一级"
    LEVEL2 = "level2", "二级"
    LEVEL3 = "level3", "三级"
    NONE = "none", "未达标/未评定"


class Method(models.TextChoices):
    ON_SITE = "on_site", "现场检查"
    DOCUMENTS = "documents", "书面检查"
    REMOTE = "remote", "网络（远程）检查"
    SAMPLING = "sampling", "抽样检测"


class PlanState(models.TextChoices):
    DRAFT = "draft", "草拟"
    PUBLISHED = "published", "已发布执行"
    CLOSED = "closed", "已结束"


class Trigger(models.TextChoices):
    """Why a check is made. Only complaint- and accident-driven checks may go beyond the plan's cap."""

    RANDOM = "random", "双随机抽查"
    KEY = "key", "重点检查"
    COMPLAINT = "complaint", "投诉举报"
    ACCIDENT = "accident", "事故（事件）调查"


BEYOND_CAP = (Trigger.COMPLAINT, Trigger.ACCIDENT)


class CheckState(models.TextChoices):
    PLANNED = "planned", "待检查"
    IN_PROGRESS = "in_progress", "检查中"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


class Answer(models.TextChoices):
    UNANSWERED = "unanswered", "未检查"
    COMPLIANT = "compliant", "符合"
    NONCOMPLIANT = "noncompliant", "不符合"
    NOT_APPLICABLE = "not_applicable", "不适用"


class Relation(models.TextChoices):
    """Declared relations between an inspector and an enterprise (回避情形)."""

    RELATIVE = "relative", "近亲属在该单位任职"
    FORMER_EMPLOYEE = "former_employee", "曾在该单位任职"
    SHAREHOLDER = "shareholder", "持有该单位股份"
    OTHER = "other", "其他利害关系"


class PaperKind(models.TextChoices):
    """The papers of an on-site check (安全生产法 第六十五条、第六十八条; the layout of the 安全生产行政执法文书
    式样 as used by the bureaus, wording unconfirmed against the 式样's own text)."""

    RECORD = "record", "现场检查记录"
    RECTIFY = "rectify", "责令限期整改指令书"
    REVIEW = "review", "整改复查意见书"
    MEASURES = "measures", "现场处理措施决定书"


PAPER_ABBREVIATION = {  # the word in the paper's number: 浏阳应急责改〔2026〕3号
    PaperKind.RECORD: "检记", PaperKind.RECTIFY: "责改", PaperKind.REVIEW: "复查", PaperKind.MEASURES: "现决",
}
PAPERS_SERVED = {PaperKind.RECTIFY, PaperKind.REVIEW, PaperKind.MEASURES}  # 送达 to the enterprise, tracked


class Measure(models.TextChoices):
    """现场处理措施 for a 重大事故隐患 that cannot be kept safe while it is removed (安全生产法 第六十五条第一款第三项)."""

    WITHDRAW = "withdraw", "从危险区域内撤出作业人员"
    SUSPEND = "suspend", "暂时停产停业"
    STOP_USE = "stop_use", "停止使用相关设施、设备"


class ReviewResult(models.TextChoices):
    DONE = "done", "已按期整改完毕"
    PARTLY = "partly", "部分整改"
    NOT_DONE = "not_done", "逾期未整改"
