import { normaliseInstanceUrl } from '../../../src/domain/instance-url';

const DOMAIN = 'wfi.pega.com';

function rejection(input: string, domain = DOMAIN): string {
  const result = normaliseInstanceUrl(input, domain);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${result.url}`);
  return result.error;
}

describe('normaliseInstanceUrl', () => {
  describe('accepted and normalised to https://<name>.wfi.pega.com', () => {
    it.each([
      ['https://acme.wfi.pega.com', 'already normal'],
      ['https://ACME.WFI.PEGA.COM', 'upper-case host'],
      ['HTTPS://Acme.Wfi.Pega.Com', 'upper-case scheme and mixed-case host'],
      ['https://acme.wfi.pega.com/', 'trailing slash'],
      ['acme.wfi.pega.com', 'no scheme'],
      ['ACME.wfi.pega.com/', 'no scheme, upper case, trailing slash'],
      ['https://acme.wfi.pega.com:443', 'default port 443'],
      ['https://acme.wfi.pega.com:443/', 'default port 443 and trailing slash'],
      ['acme.wfi.pega.com:443', 'no scheme and default port 443'],
      ['  https://acme.wfi.pega.com  ', 'surrounding spaces'],
    ])('given %j (%s), when normalised, then it is https://acme.wfi.pega.com', (input) => {
      expect(normaliseInstanceUrl(input, DOMAIN)).toEqual({ ok: true, url: 'https://acme.wfi.pega.com' });
    });

    it('given a name with hyphens and digits, when normalised, then it is kept', () => {
      expect(normaliseInstanceUrl('acme-eu-2.wfi.pega.com', DOMAIN)).toEqual({ ok: true, url: 'https://acme-eu-2.wfi.pega.com' });
    });
  });

  describe('refused', () => {
    it.each(['http://acme.wfi.pega.com', 'ftp://acme.wfi.pega.com'])(
      'given %j (not https), when normalised, then it asks for https://',
      (input) => {
        expect(rejection(input)).toMatch(/must start with https:\/\//);
      },
    );

    it.each([
      ['https://acme.wfi.pega.com/prweb', 'a path'],
      ['https://acme.wfi.pega.com/prweb/', 'a path with trailing slash'],
      ['https://acme.wfi.pega.com/?tenant=1', 'a query'],
      ['https://acme.wfi.pega.com?tenant=1', 'a query without slash'],
      ['https://acme.wfi.pega.com/#/home', 'a fragment'],
      ['acme.wfi.pega.com/prweb', 'a path and no scheme'],
      // The `x:` of a scheme counts only at the start: one later in the text (here `https:`) does not make it a URL with a scheme.
      ['acme.wfi.pega.com/login?next=https://acme.wfi.pega.com/prweb', 'no scheme, and a link in the query'],
    ])('given %j (%s), when normalised, then it asks for the address alone', (input) => {
      expect(rejection(input)).toMatch(/without a path or query/);
    });

    it.each([
      ['https://admin:hunter2@acme.wfi.pega.com', 'user and password'],
      ['https://admin@acme.wfi.pega.com', 'user only'],
    ])('given %j (%s), when normalised, then it asks to remove the credentials', (input) => {
      expect(rejection(input)).toBe('Remove the user name or password from the URL');
    });

    it('given an explicit port, when normalised, then it asks to remove that port', () => {
      expect(rejection('https://acme.wfi.pega.com:8443')).toMatch(/Remove the port \(:8443\)/);
    });

    it('given an explicit port and no scheme, when normalised, then it still asks to remove the port (not for a scheme)', () => {
      expect(rejection('acme.wfi.pega.com:8443')).toMatch(/Remove the port \(:8443\)/);
    });

    it.each([
      ['https://acme.example.com', 'another domain'],
      ['https://acme.wfi.pega.com.evil.io', 'the domain as a prefix of a look-alike'],
      ['https://evilwfi.pega.com', 'a look-alike without the dot'],
      ['https://acme.wfi-pega.com', 'hyphen for dot'],
      ['https://wfi.pega.com', 'the domain itself, no name'],
      ['https://a.b.wfi.pega.com', 'a name of two labels'],
      ['https://-acme.wfi.pega.com', 'a name starting with a hyphen'],
      ['https://acme.wfi.pega.com.', 'a trailing dot'],
    ])('given %j (%s), when normalised, then it asks for https://<name>.wfi.pega.com', (input) => {
      expect(rejection(input)).toBe('The instance URL must be https://<name>.wfi.pega.com, e.g. https://acme.wfi.pega.com');
    });

    it.each(['', '   '])('given %j (empty), when normalised, then it asks for the URL', (input) => {
      expect(rejection(input)).toBe('Enter the instance URL, e.g. https://acme.wfi.pega.com');
    });

    it('given 201 characters, when normalised, then it is refused as too long', () => {
      const input = `https://${'a'.repeat(180)}.wfi.pega.com`;
      expect(input).toHaveLength(201);
      expect(rejection(input)).toMatch(/longer than 200 characters/);
    });

    it('given exactly 200 characters, when normalised, then the length passes and the over-long name is what is refused', () => {
      const input = `https://${'a'.repeat(179)}.wfi.pega.com`;
      expect(input).toHaveLength(200);
      expect(rejection(input)).toMatch(/must be https:\/\/<name>\.wfi\.pega\.com/);
    });

    it.each(['not a url', 'https://acme wfi.pega.com', 'https://[::1'])('given %j (not a URL), when normalised, then it says so', (input) => {
      expect(rejection(input)).toMatch(/not a URL/);
    });
  });

  describe('with a custom instance domain', () => {
    it('given a URL on that domain, when normalised, then it is accepted', () => {
      expect(normaliseInstanceUrl('ACME.wfi.example.org/', 'wfi.example.org')).toEqual({
        ok: true,
        url: 'https://acme.wfi.example.org',
      });
    });

    it('given the domain in upper case, when normalised, then the comparison ignores case', () => {
      expect(normaliseInstanceUrl('https://acme.wfi.example.org', 'WFI.Example.ORG')).toEqual({
        ok: true,
        url: 'https://acme.wfi.example.org',
      });
    });

    it('given a URL on the default domain, when normalised, then it is refused and the message names the custom domain', () => {
      expect(rejection('https://acme.wfi.pega.com', 'wfi.example.org')).toBe(
        'The instance URL must be https://<name>.wfi.example.org, e.g. https://acme.wfi.example.org',
      );
    });
  });
});
