-- Overstag's tables as the code before issue 10 created them (postgresql).
-- Kept to show that databases made then still work unchanged.
CREATE TABLE overstag_coached_objections (
	id SERIAL NOT NULL,
	conversation_id VARCHAR(128) NOT NULL,
	kind VARCHAR(16) NOT NULL,
	category VARCHAR(64) NOT NULL,
	confidence FLOAT,
	language VARCHAR(2) NOT NULL,
	suggestions TEXT NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX ix_overstag_coached_objections_conversation_id ON overstag_coached_objections (conversation_id);
CREATE TABLE overstag_interviews (
	id SERIAL NOT NULL,
	conversation_id VARCHAR(128) NOT NULL,
	candidate_name VARCHAR(40) NOT NULL,
	subject TEXT NOT NULL,
	outlet VARCHAR(200) NOT NULL,
	duration INTEGER NOT NULL,
	interview_form VARCHAR(16) NOT NULL,
	review_scope VARCHAR(16) NOT NULL,
	review_days INTEGER,
	sensitive BOOLEAN NOT NULL,
	concessions TEXT NOT NULL,
	own_agreements TEXT NOT NULL,
	language VARCHAR(2) NOT NULL,
	status VARCHAR(16) NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX ix_overstag_interviews_conversation_id ON overstag_interviews (conversation_id);
CREATE TABLE overstag_rehearsal_sessions (
	id SERIAL NOT NULL,
	conversation_id VARCHAR(128) NOT NULL,
	persona VARCHAR(64) NOT NULL,
	category VARCHAR(64) NOT NULL,
	difficulty VARCHAR(16) NOT NULL,
	language VARCHAR(2) NOT NULL,
	outcome VARCHAR(16),
	turns INTEGER NOT NULL,
	scores TEXT,
	agreements TEXT,
	started_at TIMESTAMP WITH TIME ZONE NOT NULL,
	ended_at TIMESTAMP WITH TIME ZONE,
	PRIMARY KEY (id)
);
CREATE INDEX ix_overstag_rehearsal_sessions_conversation_id ON overstag_rehearsal_sessions (conversation_id);
CREATE TABLE overstag_rehearsal_turns (
	id SERIAL NOT NULL,
	session_id INTEGER NOT NULL,
	number INTEGER NOT NULL,
	moves TEXT NOT NULL,
	effects TEXT NOT NULL,
	stage VARCHAR(16) NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(session_id) REFERENCES overstag_rehearsal_sessions (id)
);
CREATE INDEX ix_overstag_rehearsal_turns_session_id ON overstag_rehearsal_turns (session_id);
CREATE TABLE overstag_reminders (
	id SERIAL NOT NULL,
	interview_id INTEGER NOT NULL,
	conversation_id VARCHAR(128) NOT NULL,
	kind VARCHAR(32) NOT NULL,
	due_at TIMESTAMP WITH TIME ZONE NOT NULL,
	state VARCHAR(12) NOT NULL,
	sent_at TIMESTAMP WITH TIME ZONE,
	PRIMARY KEY (id),
	FOREIGN KEY(interview_id) REFERENCES overstag_interviews (id)
);
CREATE INDEX ix_overstag_reminders_due_at ON overstag_reminders (due_at);
CREATE INDEX ix_overstag_reminders_interview_id ON overstag_reminders (interview_id);
