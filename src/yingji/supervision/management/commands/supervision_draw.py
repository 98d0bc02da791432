"""`yingji supervision-draw --verify <id>`: re-run a recorded draw from its logged inputs and compare.

`--export <id>` writes the draw's inputs and result as JSON, so that anyone can re-run it with another
implementation of the algorithm (docs/decisions/0021-inspection-plans-and-draws.md)."""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("复核双随机抽取：按记录的随机种子、候选清单和回避情况重新抽取并与记录比较（--verify 编号），"
            "或导出其输入（--export 编号）")

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--verify", type=int, metavar="编号", help="复核这次抽取")
        group.add_argument("--export", type=int, metavar="编号", help="以 JSON 输出这次抽取的全部输入和结果")

    def handle(self, *args, verify=None, export=None, **options):
        from yingji.supervision import services
        from yingji.supervision.models import Draw

        record = Draw.objects.filter(pk=verify or export).first()
        if record is None:
            raise CommandError(f"没有编号为 {verify or export} 的抽取记录")
        if export:
            self.stdout.write(json.dumps({
                "algorithm": record.algorithm, "seed": record.seed, "objects": record.candidate_objects,
                "inspectors": record.candidate_inspectors, "objects_hash": record.objects_hash,
                "inspectors_hash": record.inspectors_hash, "n_objects": record.objects_wanted,
                "group_size": record.inspectors_per_check, "exclusions": record.exclusions, "result": record.result,
            }, ensure_ascii=False, indent=1))
            return
        result = services.verify(record)
        if not result.ok:
            raise CommandError("复核未通过：" + "；".join(result.problems))
        self.stdout.write(f"复核通过：抽取 {record.pk}（种子 {record.seed}，候选企业 {len(record.candidate_objects)} 家、"
                          f"检查人员 {len(record.candidate_inspectors)} 名）重新抽取的结果与记录一致")
