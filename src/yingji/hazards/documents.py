"""隐患督办单 (.docx) for an escalated hazard."""

from django.utils import timezone

from yingji.core.framework.documents import OfficialDocument
from yingji.core.models import Region


def escalation_notice(hazard) -> bytes:
    county = Region.objects.filter(code__in=hazard.region.path.split("/"), level="county").first()
    issuer = f"{county.name if county else ''}安全生产委员会办公室"
    when = timezone.localtime(hazard.escalated_at or timezone.now())
    doc = OfficialDocument(issuer, "事故隐患整改督办通知书", f"督办〔{when.year}〕{hazard.pk}号")
    unit = hazard.responsible_unit or (hazard.organization.name if hazard.organization else hazard.place)
    doc.paragraph(f"{unit}：", indent=False)
    doc.paragraph(f"你单位“{hazard.title}”（{hazard.get_grade_display()}）应于 {hazard.deadline:%Y年%m月%d日} 前整改完毕，"
                  "至今未完成整改。根据《安全生产事故隐患排查治理暂行规定》，现予挂牌督办，请你单位落实整改措施、"
                  "资金、时限、责任人和应急预案，限期整改到位，并于整改完成后书面报告，申请验收销号。")
    doc.facts([
        ("隐患名称", hazard.title), ("隐患等级", hazard.get_grade_display()),
        ("所在位置", hazard.place or str(hazard.region)), ("隐患描述", hazard.description),
        ("发现时间", f"{timezone.localtime(hazard.found_at):%Y-%m-%d %H:%M}"), ("原整改期限", f"{hazard.deadline:%Y-%m-%d}"),
        ("整改责任人", hazard.responsible_person), ("整改措施", hazard.measures),
        ("重大隐患判定依据", hazard.major_basis if hazard.grade == "major" else "—"),
        ("督办时间", f"{when:%Y-%m-%d %H:%M}"),
    ])
    doc.paragraph("整改期间应采取有效的防范措施，确保安全；不能保证安全的，应当局部或者全部停产停业。逾期仍未整改的，将依法予以处理。")
    doc.signature(issuer, when.date())
    return doc.bytes()
