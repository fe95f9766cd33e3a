"""A calendar that passes every check when the engine is built and fails during the audit:
an error nobody expected, which the command line reports in one line."""

from cx_rules import BusinessCalendar, hookimpl


class Broken(BusinessCalendar):
    def _comparable(self, moment):
        return moment.utcoffset() / 0


@hookimpl
def cx_rules_calendar(policy, calendar):
    return Broken(
        timezone=calendar.timezone,
        workdays=calendar.workdays,
        holidays=calendar.holidays,
        extra_holidays=calendar.extra_holidays,
    )
