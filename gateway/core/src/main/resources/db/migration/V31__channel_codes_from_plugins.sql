-- Which channels exist is the channel plug-ins' business (Channels.installed()), not this schema's: a complaint's
-- channel and a preferred contact means are checked against the API contract, whose lists take every installed
-- channel's code at start-up. The columns keep a check on the shape of a code only.
ALTER TABLE complaint DROP CONSTRAINT complaint_channel_check;
ALTER TABLE complaint ADD CONSTRAINT complaint_channel_code CHECK (channel ~ '^[a-z][a-z0-9_]{0,31}$');

-- Web chat's contact means was spelt 'chat'; it is the channel's own code now.
ALTER TABLE case_accommodation DROP CONSTRAINT case_accommodation_contact_means_check;
UPDATE case_accommodation SET contact_means = 'webchat' WHERE contact_means = 'chat';
ALTER TABLE case_accommodation ADD CONSTRAINT case_accommodation_contact_means_code
    CHECK (contact_means ~ '^[a-z][a-z0-9_]{0,31}$');
