-- Share of prompted breaks taken, by week (weeks start on Monday).
SELECT date_trunc('week', day)::DATE                                   AS week,
       sum(breaks_prompted)                                             AS prompted,
       sum(breaks_taken)                                                AS taken,
       round(sum(breaks_taken) / nullif(sum(breaks_prompted), 0), 3)    AS share_taken
FROM summaries
GROUP BY week
ORDER BY week;
