"""The shapes of the report endpoints (month plan, pipeline, sales metrics, forecast,
stalled deals): read-only serializers of what the selectors return."""

from rest_framework import serializers

RATIO = {"max_digits": 9, "decimal_places": 4, "coerce_to_string": False}


MONEY = {"max_digits": 20, "decimal_places": 2}


class ReportDealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField()
    stage = serializers.CharField()
    probability = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    expected_close_date = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="What the deal is now: open, won or lost.")
    forecast_category = serializers.CharField()
    as_of = serializers.DateField(
        allow_null=True, help_text="For a past week: the Monday of the snapshot the row is from."
    )


class MonthPlanWeekSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    state = serializers.ChoiceField(choices=["past", "current", "future"])
    source = serializers.ChoiceField(
        choices=["snapshot", "live", "missing"],
        help_text="snapshot: past week read from that Monday's snapshot; live: current deals; "
        "missing: a past week with no snapshot taken.",
    )
    snapshot_week = serializers.DateField(allow_null=True)
    expected_count = serializers.IntegerField(allow_null=True)
    expected_amount = serializers.DecimalField(allow_null=True, **MONEY)
    weighted_amount = serializers.DecimalField(allow_null=True, **MONEY)
    rest_of_month_weighted = serializers.DecimalField(allow_null=True, **MONEY)
    won_count = serializers.IntegerField()
    won_amount = serializers.DecimalField(**MONEY)
    won_to_date = serializers.DecimalField(allow_null=True, **MONEY)
    gap_after = serializers.DecimalField(allow_null=True, **MONEY)
    projected_won = serializers.DecimalField(
        allow_null=True,
        help_text="Current and later weeks: won so far plus the weighted pipeline due by the "
        "week's end.",
        **MONEY,
    )
    deals_expected = ReportDealSerializer(many=True)
    deals_won = ReportDealSerializer(many=True)


class WinRateSerializer(serializers.Serializer):
    rate = serializers.DecimalField(allow_null=True, **RATIO)
    basis = serializers.CharField(help_text="Always 'count': won deals / closed deals.")
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    closed = serializers.IntegerField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    months = serializers.IntegerField()


class MonthPlanSerializer(serializers.Serializer):
    month = serializers.CharField()
    month_start = serializers.DateField()
    month_end = serializers.DateField()
    owner = serializers.IntegerField(source="owner.pk", allow_null=True, default=None)
    scope_label = serializers.CharField()
    quota = serializers.DecimalField(allow_null=True, **MONEY)
    won_count = serializers.IntegerField()
    won_amount = serializers.DecimalField(**MONEY)
    gap = serializers.DecimalField(allow_null=True, **MONEY)
    over_quota = serializers.DecimalField(allow_null=True, **MONEY)
    attainment = serializers.DecimalField(allow_null=True, **RATIO)
    open_count = serializers.IntegerField()
    open_amount = serializers.DecimalField(**MONEY)
    weighted_amount = serializers.DecimalField(**MONEY)
    projected_amount = serializers.DecimalField(help_text="won + weighted pipeline", **MONEY)
    overdue_count = serializers.IntegerField()
    win_rate = WinRateSerializer()
    average_won_amount = serializers.DecimalField(allow_null=True, **MONEY)
    pipeline_to_create = serializers.DecimalField(
        allow_null=True, help_text="gap / historical win rate", **MONEY
    )
    deals_to_win = serializers.IntegerField(allow_null=True)
    deals_to_create = serializers.IntegerField(
        allow_null=True, help_text="pipeline_to_create / average won deal, rounded up"
    )
    input_note = serializers.CharField()
    overdue_deals = ReportDealSerializer(many=True)
    deals_truncated = serializers.BooleanField()
    weeks = MonthPlanWeekSerializer(many=True)


class StageFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    pipeline_id = serializers.IntegerField()
    pipeline = serializers.CharField()
    probability = serializers.IntegerField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    weighted_amount = serializers.DecimalField(**MONEY)


class PipelineTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    weighted_amount = serializers.DecimalField(**MONEY)


class PipelineReportSerializer(serializers.Serializer):
    owner = serializers.IntegerField(source="owner.pk", allow_null=True, default=None)
    pipeline = serializers.IntegerField(source="pipeline.pk", allow_null=True, default=None)
    close_from = serializers.DateField(allow_null=True)
    close_to = serializers.DateField(allow_null=True)
    stages = StageFiguresSerializer(many=True)
    total = PipelineTotalSerializer()


class MetricsMonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    win_rate = serializers.DecimalField(allow_null=True, **RATIO)
    won_amount = serializers.DecimalField(**MONEY)
    average_cycle_days = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, coerce_to_string=False
    )


class AttainmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    quota = serializers.DecimalField(allow_null=True, **MONEY)
    won_amount = serializers.DecimalField(**MONEY)
    won_count = serializers.IntegerField()
    attainment = serializers.DecimalField(allow_null=True, **RATIO)


class SalesMetricsSerializer(serializers.Serializer):
    window_start = serializers.DateField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    closed = serializers.IntegerField()
    win_rate = serializers.DecimalField(allow_null=True, help_text="By count", **RATIO)
    won_amount = serializers.DecimalField(**MONEY)
    average_won_amount = serializers.DecimalField(allow_null=True, **MONEY)
    average_cycle_days = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    open_deals = serializers.IntegerField()
    velocity_per_day = serializers.DecimalField(
        allow_null=True,
        help_text="open deals x average won deal x win rate / average cycle days",
        **MONEY,
    )
    velocity_per_month = serializers.DecimalField(allow_null=True, **MONEY)
    months = MetricsMonthSerializer(many=True)
    attainment = AttainmentSerializer(many=True)


class ForecastRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    quota = serializers.DecimalField(allow_null=True, **MONEY)
    won_amount = serializers.DecimalField(**MONEY)
    attainment = serializers.DecimalField(allow_null=True, **RATIO)
    submitted_commit = serializers.DecimalField(allow_null=True, **MONEY)
    submitted_best_case = serializers.DecimalField(allow_null=True, **MONEY)
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_note = serializers.CharField()
    commit_pipeline = serializers.DecimalField(**MONEY)
    best_case_pipeline = serializers.DecimalField(**MONEY)
    pipeline_pipeline = serializers.DecimalField(**MONEY)
    omitted_pipeline = serializers.DecimalField(**MONEY)
    won_and_commit = serializers.DecimalField(**MONEY)
    coverage = serializers.DecimalField(
        allow_null=True, help_text="(won + commit deals) / quota", **RATIO
    )


class ForecastManagerCallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    submitted_commit = serializers.DecimalField(**MONEY)
    submitted_best_case = serializers.DecimalField(**MONEY)
    submitted_at = serializers.DateTimeField()
    submitted_note = serializers.CharField()


class ForecastTotalSerializer(serializers.Serializer):
    quota = serializers.DecimalField(allow_null=True, **MONEY)
    won_amount = serializers.DecimalField(**MONEY)
    attainment = serializers.DecimalField(allow_null=True, **RATIO)
    submitted_commit = serializers.DecimalField(allow_null=True, **MONEY)
    submitted_best_case = serializers.DecimalField(allow_null=True, **MONEY)
    commit_pipeline = serializers.DecimalField(**MONEY)
    best_case_pipeline = serializers.DecimalField(**MONEY)
    pipeline_pipeline = serializers.DecimalField(**MONEY)
    omitted_pipeline = serializers.DecimalField(**MONEY)
    won_and_commit = serializers.DecimalField(**MONEY)
    coverage = serializers.DecimalField(
        allow_null=True, help_text="(won + commit deals) / quota", **RATIO
    )


class ForecastReportSerializer(serializers.Serializer):
    month = serializers.CharField()
    month_start = serializers.DateField()
    month_end = serializers.DateField()
    rows = ForecastRowSerializer(many=True)
    total = ForecastTotalSerializer()
    manager_calls = ForecastManagerCallSerializer(
        many=True, help_text="Each visible manager's latest call for their team."
    )


class StalledDealSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="deal.pk")
    name = serializers.CharField(source="deal.name")
    owner = serializers.IntegerField(source="deal.owner_id")
    owner_name = serializers.CharField(source="deal.owner.display_name")
    stage = serializers.IntegerField(source="deal.stage_id")
    stage_name = serializers.CharField(source="deal.stage.name")
    stage_entered_at = serializers.DateTimeField(source="deal.stage_entered_at")
    days_in_stage = serializers.IntegerField()
    limit = serializers.IntegerField(help_text="The stage's stalled_after_days.")
    days_over = serializers.IntegerField()
    amount = serializers.DecimalField(source="deal.amount", **MONEY)
    expected_close_date = serializers.DateField(source="deal.expected_close_date", allow_null=True)
