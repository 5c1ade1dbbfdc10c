"""Background jobs (exports, batch PDFs, imports) and the files they leave in 我的下载."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(TimeStampedModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("任务类型"), max_length=60)
    title = models.CharField(_("任务名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.TextField(_("结果说明"), blank=True, default="")
    result = models.FileField(_("结果文件"), upload_to="downloads/%Y/%m/", blank=True)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True, default="")
    result_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件到期时间"), null=True, blank=True)
    # The task framework's side (ADR 0036): the id of the task that runs this job, how many runs were
    # started, and the running worker's last sign of life (a job whose heartbeat stops is taken back).
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")
        indexes = [
            models.Index(fields=["status", "created_at"], name="job_queue"),
            models.Index(fields=["owner", "created_at"], name="job_owner"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0


class ScheduledRun(models.Model):
    """The last day a daily task ran. A worker claims the day in the transaction that does the day's
    work, so a worker killed mid-way leaves neither the work nor the claim (jobs.services.run_daily)."""

    name = models.CharField(max_length=60, unique=True)
    last_run_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务")
