"""Study pages: a member's own tasks and record (`mine`), the assigners' tasks and completion (`tasks`)."""
