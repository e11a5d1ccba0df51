-- The funding lines of each 绩效目标表 pivoted to one row per table: period
-- (current_year 当年度 | implementation 实施期) × source (total, general_budget,
-- gov_fund, other). Amounts as printed; a line printed twice keeps the first.
select
    document_id,
    perf_id,
    {%- for period in ['current_year', 'implementation'] %}
    {%- for source in ['total', 'general_budget', 'gov_fund', 'other'] %}
    arg_min(amount, source_line) filter (where period = '{{ period }}' and source = '{{ source }}')
        as {{ period }}_{{ source }}{{ "," if not (loop.last and period == 'implementation') }}
    {%- endfor %}
    {%- endfor %}
from {{ ref('stg_perf_funding') }}
group by document_id, perf_id
