-- The first and last training dates on record (all scopes): what a period without training is
-- told to look at instead.
select
    min(start_date) as first_date,
    max(start_date) as last_date
from training
