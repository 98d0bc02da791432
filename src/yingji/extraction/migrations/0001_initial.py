import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0012_submission_key'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExtractionCorrection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('recorded_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='保存时间')),
                ('page', models.CharField(db_index=True, help_text='填表映射的标识，如 incidents-intake', max_length=40, verbose_name='来源页面')),
                ('page_label', models.CharField(max_length=40, verbose_name='页面名称')),
                ('record', models.CharField(blank=True, help_text='如事件编号、报告名称', max_length=120, verbose_name='保存的记录')),
                ('field', models.CharField(max_length=60, verbose_name='表单字段')),
                ('field_label', models.CharField(max_length=60, verbose_name='字段名称')),
                ('source', models.CharField(help_text='提取结果中的项：deaths、occurred_date、places …', max_length=40, verbose_name='提取项')),
                ('proposed', models.TextField(blank=True, verbose_name='提取值')),
                ('saved', models.TextField(blank=True, verbose_name='保存值')),
                ('corrected', models.BooleanField(db_index=True, default=False, help_text='保存值与提取值不同', verbose_name='已更正')),
                ('span', models.CharField(blank=True, max_length=200, verbose_name='原文片段')),
                ('span_start', models.PositiveIntegerField(blank=True, null=True, verbose_name='片段起点')),
                ('span_end', models.PositiveIntegerField(blank=True, null=True, verbose_name='片段终点')),
                ('confidence', models.FloatField(blank=True, null=True, verbose_name='置信度')),
                ('approximate', models.BooleanField(default=False, verbose_name='约数')),
                ('text', models.TextField(help_text='超过 32,000 字的只保存前 32,000 字（Excel 单元格的上限）', verbose_name='原文')),
                ('recorded_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='保存人')),
                ('region', models.ForeignKey(help_text='保存的记录所在的区划', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='所属区划')),
            ],
            options={
                'verbose_name': '提取校正记录',
                'verbose_name_plural': '提取校正记录',
                'ordering': ['-recorded_at', 'id'],
            },
        ),
    ]
