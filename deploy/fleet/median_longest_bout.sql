-- Median longest stretch without a break (minutes, from 15-minute steps), by week and over all days.
SELECT date_trunc('week', day)::DATE AS week,
       median(longest_bout_min)      AS median_longest_bout_min,
       count(*)                      AS user_days
FROM summaries
GROUP BY ROLLUP (week)
ORDER BY week NULLS LAST;
