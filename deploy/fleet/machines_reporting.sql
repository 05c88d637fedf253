-- Desks reporting, per day: one file is one user's day on one machine. Tokens are random
-- per file, so a machine cannot be followed from one day to the next (by design).
SELECT day,
       count(*)                                        AS reporting,
       count(*) FILTER (WHERE breaks_prompted > 0)     AS with_a_prompt,
       list(DISTINCT upright_version ORDER BY upright_version) AS versions
FROM summaries
GROUP BY day
ORDER BY day;
