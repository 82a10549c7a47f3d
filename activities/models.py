# Member-society activities and feed ingestion arrive with the activities issue.
