-- Every bonus and deduction item behind unit_month_scores, before caps (SPEC 3, 6): the per-event lines of
-- score_points for the methods in the SPEC 6 shape. Points are positive; the capped totals are in
-- unit_month_scores. ref = the lead_id, or the ISO week (YYYY-Www) of a missing report.
select
    points.year,
    points.month,
    points.unit_code,
    points.kind,
    points.item_code as reason,
    abs(points.points) as points,
    points.ref
from {{ ref('score_points') }} as points
inner join {{ ref('unit_month_scores') }} as scores
    on scores.year = points.year
    and scores.month = points.month
    and scores.unit_code = points.unit_code
where points.line = 'event'
  and points.kind in ('bonus', 'deduction')
