# Campaigns, milestones and nominations arrive with the campaigns issue.
