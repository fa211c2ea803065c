// How a semantic field reads in a sentence, in English and French. Fields a brand adds in its
// config (`brands[].fields`) read as their name with spaces.
export type ImageLang = 'en' | 'fr';

const LABELS: Record<string, Record<ImageLang, string>> = {
  price: { en: 'Price', fr: 'Prix' },
  quality: { en: 'Quality', fr: 'Qualité' },
  product: { en: 'Product', fr: 'Produit' },
  service_support: { en: 'Service and support', fr: 'Service et assistance' },
  delivery: { en: 'Delivery', fr: 'Livraison' },
  ethics_environment: { en: 'Ethics and environment', fr: 'Éthique et environnement' },
  innovation: { en: 'Innovation', fr: 'Innovation' },
  trust_security: { en: 'Trust and security', fr: 'Confiance et sécurité' },
  sincerity: { en: 'Sincerity', fr: 'Sincérité' },
  excitement: { en: 'Excitement', fr: 'Enthousiasme' },
  competence: { en: 'Competence', fr: 'Compétence' },
  sophistication: { en: 'Sophistication', fr: 'Raffinement' },
  ruggedness: { en: 'Ruggedness', fr: 'Robustesse' },
};

export function fieldLabel(field: string, lang: ImageLang): string {
  const known = LABELS[field]?.[lang];
  if (known !== undefined) return known;
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
