import {
  buildServiceRequest,
  PORTAL_NOTES,
  PORTAL_PATH,
  PORTAL_STEPS,
} from '../../../src/domain/service-request';

// Written out from shared/domain.md ("Create tab, field values, in this order" and the Details tab),
// not from the source.
const EXPECTED_FOR_ACME = [
  { tab: 'Create', label: 'Service request', value: 'Other' },
  { tab: 'Create', label: 'Short description', value: 'Rotate the Workforce Intelligence client secret' },
  { tab: 'Create', label: 'Application', value: 'Workforce Intelligence' },
  { tab: 'Create', label: 'Deployment', value: 'Pega Cloud' },
  { tab: 'Create', label: 'Environment', value: 'Other' },
  { tab: 'Create', label: 'Other URL', value: 'https://acme.wfi.pega.com' },
  { tab: 'Create', label: 'Environment type', value: 'Production' },
  { tab: 'Details', label: 'Describe the issue', value: 'Please rotate the Workforce Intelligence client secret' },
];

describe('buildServiceRequest', () => {
  it('given a production rotation for acme, when built, then it is exactly the fields of domain.md, in order', () => {
    expect(buildServiceRequest({ instanceUrl: 'https://acme.wfi.pega.com', environmentType: 'Production' })).toEqual(
      EXPECTED_FOR_ACME,
    );
  });

  it('given another instance, when built, then only Other URL changes', () => {
    const fields = buildServiceRequest({ instanceUrl: 'https://globex.wfi.pega.com', environmentType: 'Production' });

    expect(fields).toEqual(
      EXPECTED_FOR_ACME.map((field) =>
        field.label === 'Other URL' ? { ...field, value: 'https://globex.wfi.pega.com' } : field,
      ),
    );
  });

  it('given the fields, when the Create tab is read, then its labels follow the portal order of domain.md', () => {
    const labels = buildServiceRequest({ instanceUrl: 'https://acme.wfi.pega.com', environmentType: 'Production' })
      .filter((field) => field.tab === 'Create')
      .map((field) => field.label);

    expect(labels).toEqual([
      'Service request',
      'Short description',
      'Application',
      'Deployment',
      'Environment',
      'Other URL',
      'Environment type',
    ]);
  });
});

describe('the portal procedure', () => {
  it('given the path, when read, then it is My Support Portal → New request → For something I need', () => {
    expect(PORTAL_PATH).toEqual(['My Support Portal', 'New request', 'For something I need']);
  });

  it('given the steps, when read in order, then they go Create, Details, Communication preferences, Finish', () => {
    const text = PORTAL_STEPS.join('\n');
    const positions = ['Create tab', 'Details tab', 'Communication preferences tab', 'Finish'].map((word) => text.indexOf(word));

    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('given the notes, when read, then they say no attachments are needed and the vendor may get in touch', () => {
    expect(PORTAL_NOTES).toMatch(/No attachments or screenshots are needed/);
    expect(PORTAL_NOTES).toMatch(/may contact the requester/);
  });
});
