import type { Rotation } from './rotation';

/**
 * The vendor's procedure: the exact values its My Support
 * Portal form needs, in the order the form asks for them. Kept as data so the
 * Slack message and the offline preview cannot drift apart.
 */
export interface PortalField {
  tab: 'Create' | 'Details';
  label: string;
  value: string;
}

export const PORTAL_PATH = ['My Support Portal', 'New request', 'For something I need'] as const;
export const SHORT_DESCRIPTION = 'Rotate the Workforce Intelligence client secret';
export const ISSUE_DESCRIPTION = 'Please rotate the Workforce Intelligence client secret';

export function buildServiceRequest(rotation: Pick<Rotation, 'instanceUrl' | 'environmentType'>): PortalField[] {
  return [
    { tab: 'Create', label: 'Service request', value: 'Other' },
    { tab: 'Create', label: 'Short description', value: SHORT_DESCRIPTION },
    { tab: 'Create', label: 'Application', value: 'Workforce Intelligence' },
    { tab: 'Create', label: 'Deployment', value: 'Pega Cloud' },
    { tab: 'Create', label: 'Environment', value: 'Other' },
    { tab: 'Create', label: 'Other URL', value: rotation.instanceUrl },
    { tab: 'Create', label: 'Environment type', value: rotation.environmentType },
    { tab: 'Details', label: 'Describe the issue', value: ISSUE_DESCRIPTION },
  ];
}

/** The portal steps as a short checklist, shared by the message and the preview. */
export const PORTAL_STEPS: readonly string[] = [
  `Open ${PORTAL_PATH.join(' → ')}.`,
  'Create tab: fill in each field with the values above, in order, then Continue.',
  'Details tab: paste the "Describe the issue" text, then Continue.',
  'Communication preferences tab: review the contact details, then Finish.',
  'Note the case number the portal gives you: the next step records it here.',
];

export const PORTAL_NOTES =
  'No attachments or screenshots are needed. The vendor may contact the requester for more information, ' +
  'then sets up a meeting in which its Service Delivery team hands the new secret over.';
