"""Rules about controllers: selectors, update strategies, schedules."""
